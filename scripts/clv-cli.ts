/**
 * CLV command line: `npm run clv -- <file> [options]` (see scripts/clv-cli/args.ts or --help).
 * The models live in app/clv; this file only wires the command to the process.
 */

import { runClvCli } from "./clv-cli/main.ts";

process.exitCode = runClvCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
