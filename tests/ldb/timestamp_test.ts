import assert from "node:assert/strict";
import { formatLdbTimestamp, parseLdbTimestamp } from "../../lib/ldb/mod.ts";

const LAYOUTS: { layout: string; text: string; iso: string }[] = [
  {
    layout: "2006-01-02 15:04:05.999999999-07:00",
    text: "2024-05-01 14:34:56.123456789+02:00",
    iso: "2024-05-01T12:34:56.123Z",
  },
  {
    layout: "2006-01-02 15:04:05.999999999-07:00 without fraction",
    text: "2024-05-01 12:34:56+00:00",
    iso: "2024-05-01T12:34:56.000Z",
  },
  {
    layout: "2006-01-02T15:04:05.999999999-07:00",
    text: "2024-05-01T07:04:56.5-05:30",
    iso: "2024-05-01T12:34:56.500Z",
  },
  {
    layout: "2006-01-02 15:04:05.999999999",
    text: "2024-05-01 12:34:56.25",
    iso: "2024-05-01T12:34:56.250Z",
  },
  {
    layout: "2006-01-02T15:04:05.999999999",
    text: "2024-05-01T12:34:56.000001",
    iso: "2024-05-01T12:34:56.000Z",
  },
  { layout: "2006-01-02 15:04:05", text: "2024-05-01 12:34:56", iso: "2024-05-01T12:34:56.000Z" },
  { layout: "2006-01-02T15:04:05", text: "2024-05-01T12:34:56", iso: "2024-05-01T12:34:56.000Z" },
  { layout: "2006-01-02 15:04", text: "2024-05-01 12:34", iso: "2024-05-01T12:34:00.000Z" },
  { layout: "2006-01-02T15:04", text: "2024-05-01T12:34", iso: "2024-05-01T12:34:00.000Z" },
  { layout: "2006-01-02", text: "2024-05-01", iso: "2024-05-01T00:00:00.000Z" },
  { layout: "trailing Z stripped", text: "2024-05-01T12:34:56Z", iso: "2024-05-01T12:34:56.000Z" },
  { layout: "date with Z", text: "2024-05-01Z", iso: "2024-05-01T00:00:00.000Z" },
];

Deno.test("parseLdbTimestamp accepts each of the nine layouts, offset-less as UTC", () => {
  for (const { layout, text, iso } of LAYOUTS) {
    assert.equal(parseLdbTimestamp(text).toISOString(), iso, layout);
  }
});

Deno.test("parseLdbTimestamp rejects text in no layout or with impossible fields", () => {
  for (
    const text of [
      "",
      "2024-05-01 12",
      "2024-5-01",
      "2024-05-01 12:34+00:00",
      "2024-05-01 12:34:56 +00:00",
      "2024-05-01 12:34:56+0000",
      "2024-05-01 12:34:56.+00:00",
      "2024-02-30",
      "2024-13-01",
      "2024-05-01 24:00:00",
      "2024-05-01 12:60:00",
      "2024-05-01 12:34:60",
      "2024-05-01 12:34:56+24:00",
      "2024-05-01T12:34:56ZZ",
      "yesterday",
    ]
  ) {
    assert.throws(() => parseLdbTimestamp(text), RangeError, JSON.stringify(text));
  }
});

Deno.test("formatLdbTimestamp writes UTC with +00:00 and a trimmed fraction", () => {
  const cases: [string, string][] = [
    ["2024-05-01T12:34:56.000Z", "2024-05-01 12:34:56+00:00"],
    ["2024-05-01T12:34:56.100Z", "2024-05-01 12:34:56.1+00:00"],
    ["2024-05-01T12:34:56.120Z", "2024-05-01 12:34:56.12+00:00"],
    ["2024-05-01T12:34:56.123Z", "2024-05-01 12:34:56.123+00:00"],
    ["2024-12-31T23:59:59.999Z", "2024-12-31 23:59:59.999+00:00"],
    ["0099-01-02T03:04:05.000Z", "0099-01-02 03:04:05+00:00"],
  ];
  for (const [iso, text] of cases) {
    assert.equal(formatLdbTimestamp(new Date(iso)), text, iso);
    assert.equal(parseLdbTimestamp(text).toISOString(), iso, `${text} round trip`);
  }
  assert.throws(() => formatLdbTimestamp(new Date(NaN)), RangeError);
});
