import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import {
  describeFamilies,
  openLdbForRead,
  openLdbForWrite,
  readLdbFamilies,
  sameFamilySet,
  writeLdbFamilies,
} from "../../lib/ldb/mod.ts";
import { tempDir } from "../_helpers/temp.ts";

Deno.test("an LDB without a recorded family set reads as full; a recorded set reads back sorted", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ldb.db`;
  const writer = openLdbForWrite(path);
  try {
    equal(readLdbFamilies(writer), undefined);
    writeLdbFamilies(writer, ["zeta", "accounts", "ctlstore"]);
    const reader = openLdbForRead(path);
    try {
      assertEquals(readLdbFamilies(reader), ["accounts", "ctlstore", "zeta"]);
      writeLdbFamilies(writer, ["accounts"]);
      assertEquals(readLdbFamilies(reader), ["accounts"]);
      writeLdbFamilies(writer, undefined);
      equal(readLdbFamilies(reader), undefined, "a full LDB again");
    } finally {
      reader.close();
    }
  } finally {
    writer.close();
  }
});

Deno.test("family sets compare without order, and full differs from every partial set", () => {
  const cases: [string, string[] | undefined, string[] | undefined, boolean][] = [
    ["same, other order", ["b", "a"], ["a", "b"], true],
    ["one more", ["a"], ["a", "b"], false],
    ["full and partial", undefined, ["a"], false],
    ["both full", undefined, undefined, true],
    ["both empty", [], [], true],
  ];
  for (const [name, a, b, same] of cases) equal(sameFamilySet(a, b), same, name);
  equal(describeFamilies(undefined), "every family");
  equal(describeFamilies(["app"]), "family app");
  equal(describeFamilies(["app", "ctlstore"]), "families app, ctlstore");
});
