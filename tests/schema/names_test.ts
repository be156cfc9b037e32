import assert from "node:assert/strict";
import {
  NameError,
  normalizeFamilyName,
  normalizeFieldName,
  normalizeTableName,
  validateWriterName,
  validateWriterSecret,
} from "../../lib/schema/names.ts";

type Case = { input: string; want?: string; error?: string };

function check(label: string, fn: (name: string) => string | void, cases: Case[]): void {
  for (const { input, want, error } of cases) {
    const name = `${label}(${JSON.stringify(input)})`;
    if (error === undefined) {
      assert.deepEqual(fn(input), want, name);
    } else {
      assert.throws(() => fn(input), (e: unknown) => {
        assert.deepEqual(e instanceof NameError, true, name);
        assert.deepEqual((e as Error).message, error, name);
        return true;
      });
    }
  }
}

const FAMILY_CHARSET = "Family names must be only letters, numbers, and single underscore";
const TABLE_CHARSET = "Table names must be only letters, numbers, and single underscore";
const FIELD_CHARSET = "Field names must be only letters, numbers, and underscore";

Deno.test("family names are lower-cased and checked in the original's order", () => {
  check("normalizeFamilyName", normalizeFamilyName, [
    { input: "myfamily", want: "myfamily" },
    { input: "MyFamily", want: "myfamily" },
    { input: "fam_1", want: "fam_1" },
    { input: "fam_", want: "fam_" },
    { input: "abc", want: "abc" },
    { input: "a".repeat(30), want: "a".repeat(30) },
    { input: "my__family", error: FAMILY_CHARSET },
    { input: "a__", error: FAMILY_CHARSET },
    { input: "__".padEnd(40, "a"), error: FAMILY_CHARSET },
    { input: "1family", error: FAMILY_CHARSET },
    { input: "_family", error: FAMILY_CHARSET },
    { input: "my-family", error: FAMILY_CHARSET },
    { input: "fämily", error: FAMILY_CHARSET },
    { input: "\u212Aelvin", error: FAMILY_CHARSET },
    { input: "a b", error: FAMILY_CHARSET },
    { input: "a".repeat(31), error: "Family names can only be up to 30 characters" },
    { input: "ab", error: "Family names must be at least 3 characters" },
    { input: "", error: "Family names must be at least 3 characters" },
  ]);
});

Deno.test("table names are lower-cased and checked in the original's order", () => {
  check("normalizeTableName", normalizeTableName, [
    { input: "MyTable", want: "mytable" },
    { input: "t".repeat(50), want: "t".repeat(50) },
    { input: "my__table", error: TABLE_CHARSET },
    { input: "9table", error: TABLE_CHARSET },
    { input: "t".repeat(51), error: "Table names can only be up to 50 characters" },
    { input: "xy", error: "Table names must be at least 3 characters" },
    { input: "", error: "Table names must be at least 3 characters" },
  ]);
});

Deno.test("field names allow double underscores and one character", () => {
  check("normalizeFieldName", normalizeFieldName, [
    { input: "ID", want: "id" },
    { input: "a", want: "a" },
    { input: "user__id", want: "user__id" },
    { input: "f".repeat(64), want: "f".repeat(64) },
    { input: "_id", error: FIELD_CHARSET },
    { input: "1a", error: FIELD_CHARSET },
    { input: 'a"b', error: FIELD_CHARSET },
    { input: "f".repeat(65), error: "Field names can only be up to 64 characters" },
    { input: "", error: "Field names must be at least 1 characters" },
  ]);
});

Deno.test("writer names are checked for byte length only and kept as given", () => {
  check("validateWriterName", validateWriterName, [
    { input: "mywriter", want: "mywriter" },
    { input: "My Writer!", want: "My Writer!" },
    { input: "w__w", want: "w__w" },
    { input: "w".repeat(50), want: "w".repeat(50) },
    { input: "é".repeat(25), want: "é".repeat(25) },
    { input: "é".repeat(26), error: "Writer names can only be up to 50 characters" },
    { input: "w".repeat(51), error: "Writer names can only be up to 50 characters" },
    { input: "ab", error: "Writer names must be at least 3 characters" },
    { input: "é", error: "Writer names must be at least 3 characters" },
  ]);
});

Deno.test("writer secrets must be 3 to 100 bytes", () => {
  check("validateWriterSecret", validateWriterSecret, [
    { input: "abc" },
    { input: "s".repeat(100) },
    { input: "ab", error: "Secret should be at least 3 characters" },
    { input: "", error: "Secret should be at least 3 characters" },
    { input: "s".repeat(101), error: "Secret can be at most 100 characters" },
    { input: "é".repeat(51), error: "Secret can be at most 100 characters" },
  ]);
});
