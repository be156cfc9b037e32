// deno-lint-ignore-file no-console
/**
 * `deno task bench`: every benchmark, one after another, each comparing ctlstore with the bare
 * operation underneath it in the same run. Needs MariaDB (`CTLSTORE_TEST_MYSQL_DSN`, default
 * `root@tcp(127.0.0.1:3306)/`) for the executive and reflector benchmarks.
 *
 * Run one: `deno task bench reader` (names: reader, sidecar, executive, reflector, changes,
 * console).
 *
 * @module
 */
import { runChangeFeedBench } from "./change_feed_bench.ts";
import { runConsoleBench } from "./console_bench.ts";
import { runExecutiveBench } from "./executive_bench.ts";
import { runReaderBench } from "./reader_bench.ts";
import { runReflectorBench } from "./reflector_bench.ts";
import { runSidecarBench } from "./sidecar_bench.ts";

const BENCHES: Record<string, () => Promise<void>> = {
  reader: runReaderBench,
  sidecar: runSidecarBench,
  executive: runExecutiveBench,
  reflector: runReflectorBench,
  changes: runChangeFeedBench,
  console: runConsoleBench,
};

const wanted = Deno.args.length > 0 ? Deno.args : Object.keys(BENCHES);
for (const name of wanted) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark: ${name} (choose from ${Object.keys(BENCHES).join(", ")})`);
    Deno.exit(1);
  }
  console.log(`\n## ${name}\n`);
  await bench();
}
