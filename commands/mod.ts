/**
 * Every `ctlstore` subcommand, in the order `ctlstore --help` lists them.
 *
 * @module
 */
import type { Command } from "./_command.ts";
import { versionCommand } from "./version.ts";
import { ctldbSchemaCommand } from "./ctldb_schema.ts";
import { createFamilyCommand } from "./create_family.ts";
import { createTableCommand } from "./create_table.ts";
import { addFieldsCommand } from "./add_fields.ts";
import { tableLimitsCommand } from "./table_limits.ts";
import { writerLimitsCommand } from "./writer_limits.ts";
import { familiesCommand } from "./families.ts";
import { tablesCommand } from "./tables.ts";
import { writersCommand } from "./writers.ts";
import { mutateCommand } from "./mutate.ts";
import { deleteRowCommand } from "./delete_row.ts";
import { executiveCommand } from "./executive.ts";
import { reflectorCommand } from "./reflector.ts";
import { multiReflectorCommand } from "./multi_reflector.ts";
import { supervisorCommand } from "./supervisor.ts";
import { heartbeatCommand } from "./heartbeat.ts";
import { sidecarCommand } from "./sidecar.ts";
import { ldbReadKeyCommand } from "./ldb_read_key.ts";
import { readKeysCommand } from "./read_keys.ts";
import { readSeqCommand } from "./read_seq.ts";
import { watchCommand } from "./watch.ts";
import { waitSeqCommand } from "./wait_seq.ts";
import { upCommand } from "./up.ts";
import { consoleCommand } from "./console.ts";
import { healthcheckCommand } from "./healthcheck.ts";

/** The registered commands. */
export const COMMANDS: Command[] = [
  upCommand,
  executiveCommand,
  reflectorCommand,
  multiReflectorCommand,
  supervisorCommand,
  sidecarCommand,
  heartbeatCommand,
  consoleCommand,
  healthcheckCommand,
  versionCommand,
  ctldbSchemaCommand,
  createFamilyCommand,
  createTableCommand,
  addFieldsCommand,
  tableLimitsCommand,
  writerLimitsCommand,
  familiesCommand,
  tablesCommand,
  writersCommand,
  mutateCommand,
  deleteRowCommand,
  ldbReadKeyCommand,
  readKeysCommand,
  readSeqCommand,
  watchCommand,
  waitSeqCommand,
];
