/**
 * A small server-sent events client for the `/watch` tests: opens the stream with `fetch`,
 * parses events as the SSE spec does (fields, blank-line dispatch, the last event ID that
 * persists across events), and cancels the stream on dispose.
 *
 * @module
 */

/** One dispatched event. */
export interface SseEvent {
  /** The event's `id`, when it had one. */
  id?: string;
  /** The event type (`message` when none was given). */
  event: string;
  /** The data lines, joined with `\n`. */
  data: string;
}

/** An open event stream; `await using` cancels it. */
export interface EventStreamClient extends AsyncDisposable {
  /** The response (status and headers). */
  readonly response: Response;
  /** The last event ID of the events returned so far, as an `EventSource` would send it. */
  readonly lastEventId: string;
  /**
   * The next event, or `undefined` once the stream has ended.
   *
   * @throws {Error} When no event arrives within `timeoutMs` (default 10 s).
   */
  next(timeoutMs?: number): Promise<SseEvent | undefined>;
  /** Reads events until one satisfies `done` (included) or the stream ends; returns them all. */
  until(done: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  /** Reads every event until the stream ends. */
  rest(timeoutMs?: number): Promise<SseEvent[]>;
}

/** Parses one event block; `lastId` is the last event ID buffer, updated by `id` fields. */
function parseEvent(block: string, lastId: { value: string }): SseEvent | undefined {
  let event = "message";
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = lastId.value = value;
  }
  if (data.length === 0) return undefined;
  return { ...(id === undefined ? {} : { id }), event, data: data.join("\n") };
}

/**
 * Opens `url` as an event stream (any status; check `response` before reading).
 *
 * @example
 * ```ts
 * await using stream = await openEventStream(`${sidecar.url}/watch?after=0`);
 * const first = await stream.next();
 * ```
 */
export async function openEventStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<EventStreamClient> {
  const response = await fetch(url, { headers });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  /** The last event ID buffer of the parser (ahead of what was dispatched). */
  const parsedId = { value: headers["last-event-id"] ?? "" };
  let lastEventId = parsedId.value;
  /** Parsed events, each with the last event ID it dispatches with. */
  const queue: [SseEvent, string][] = [];
  let buffer = "";
  let ended = false;

  const fill = async (timeoutMs: number): Promise<void> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      while (queue.length === 0 && !ended) {
        const { value, done } = await Promise.race([reader.read(), timeout]);
        if (done) {
          ended = true;
          break;
        }
        buffer += value.replaceAll("\r\n", "\n");
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const event = parseEvent(buffer.slice(0, end), parsedId);
          buffer = buffer.slice(end + 2);
          if (event) queue.push([event, parsedId.value]);
        }
      }
    } finally {
      clearTimeout(timer);
    }
  };

  const client: EventStreamClient = {
    response,
    get lastEventId() {
      return lastEventId;
    },
    async next(timeoutMs = 10_000) {
      await fill(timeoutMs);
      const next = queue.shift();
      if (next === undefined) return undefined;
      lastEventId = next[1];
      return next[0];
    },
    async until(done, timeoutMs = 10_000) {
      const events: SseEvent[] = [];
      for (;;) {
        const event = await client.next(timeoutMs);
        if (event === undefined) return events;
        events.push(event);
        if (done(event)) return events;
      }
    },
    rest: (timeoutMs) => client.until(() => false, timeoutMs),
    async [Symbol.asyncDispose]() {
      await reader.cancel().catch(() => {});
    },
  };
  return client;
}
