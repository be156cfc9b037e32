/**
 * Temporary directories for tests, removed with everything in them on dispose.
 *
 * @module
 */

/** A temporary directory; removed by `await using`. */
export interface TempDir extends AsyncDisposable {
  /** Absolute path of the directory. */
  readonly path: string;
}

/**
 * Creates a temporary directory that `await using` removes recursively.
 *
 * @example
 * ```ts
 * await using dir = await tempDir();
 * const ldbPath = `${dir.path}/ldb.db`;
 * ```
 */
export async function tempDir(prefix = "ctlstore_test_"): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
    },
  };
}
