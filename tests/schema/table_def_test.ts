import assert from "node:assert/strict";
import {
  checkKeyFields,
  type FieldDef,
  TableDefinitionError,
  unzipFieldPair,
} from "../../lib/schema/mod.ts";

Deno.test("field pairs unzip into fields, with the original's messages for bad pairs", () => {
  assert.deepEqual(unzipFieldPair(["id", "integer"], 0), { name: "id", type: "integer" });
  const cases: [string[], number, string][] = [
    [["id"], 0, "Field #0 is malformed: expected 2 elements, got 1"],
    [["id", "integer", "x"], 3, "Field #3 is malformed: expected 2 elements, got 3"],
    [["id", "int"], 1, "Field #1: Type 'int' unknown"],
    [["id", "Integer"], 2, "Field #2: Type 'Integer' unknown"],
  ];
  for (const [pair, index, message] of cases) {
    assert.throws(() => unzipFieldPair(pair, index), new TableDefinitionError(message), message);
  }
});

Deno.test("key fields must exist, be declared, be of a key type and appear once", () => {
  const fields: FieldDef[] = [
    { name: "id", type: "integer" },
    { name: "name", type: "string" },
    { name: "blob", type: "binary" },
    { name: "score", type: "decimal" },
  ];
  checkKeyFields(fields, ["id", "name"]);
  const cases: [string[], string][] = [
    [[], "table must have at least one key field"],
    [["nope"], "Primary key field 'nope' not specified as a field"],
    [["blob"], "Fields of type 'binary' cannot be a key field"],
    [["score"], "Fields of type 'decimal' cannot be a key field"],
    [["id", "id"], "Key field 'id' is listed more than once"],
  ];
  for (const [keys, message] of cases) {
    assert.throws(() => checkKeyFields(fields, keys), new TableDefinitionError(message), message);
  }
});
