import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { silentLogger } from "../../lib/log/mod.ts";
import { ChangelogFile, formatChangelogEntry } from "../../lib/reflector/changelog.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("changelog entries follow the original line format with Go JSON escaping", () => {
  const cases: [Parameters<typeof formatChangelogEntry>[1], string][] = [
    [
      { family: "f", table: "t", key: [{ name: "id", type: "INTEGER", value: 9007199254740993n }] },
      '{"seq":7,"family":"f","table":"t","key":[{"name":"id","type":"INTEGER","value":9007199254740993}]}',
    ],
    [
      {
        family: "f",
        table: "t",
        key: [
          { name: "k", type: "VARCHAR(191)", value: "<a&b>" },
          { name: "b", type: "BLOB(255)", value: new Uint8Array([0xde, 0xad]) },
        ],
      },
      '{"seq":7,"family":"f","table":"t","key":[{"name":"k","type":"VARCHAR(191)","value":"\\u003ca\\u0026b\\u003e"},{"name":"b","type":"BLOB(255)","value":"3q0="}]}',
    ],
  ];
  for (const [change, line] of cases) assertEquals(formatChangelogEntry(7, change), line);
});

Deno.test("changelog rotates by deleting the file when the next line would pass the limit", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/changelog`;
  const file = new ChangelogFile(path, 10, silentLogger);
  try {
    assertEquals(file.append(["aaaa", "bbbb"]), 2); // 5 + 5 bytes = the limit
    assertEquals(await Deno.readTextFile(path), "aaaa\nbbbb\n");
    assertEquals(file.append(["cc"]), 1); // 10 + 2 > 10: delete and recreate
    assertEquals(await Deno.readTextFile(path), "cc\n");
    assertEquals(file.append(["x".repeat(11)]), 0); // longer than the limit: dropped
    assertEquals(await Deno.readTextFile(path), "cc\n");
  } finally {
    file.close();
  }
});

Deno.test("changelog appends to an existing file and counts its size", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/changelog`;
  await Deno.writeTextFile(path, "12345678\n");
  const file = new ChangelogFile(path, 12, silentLogger);
  try {
    file.append(["ab"]);
    assertEquals(await Deno.readTextFile(path), "12345678\nab\n");
    file.append(["cd"]);
    assertEquals(await Deno.readTextFile(path), "cd\n");
  } finally {
    file.close();
  }
});
