// chrono_compare.mjs — runs chrono-node on the same Duckling subset that
// eval/duckling.py scores libtact on, with the same reference time and zone,
// and has duckling.py judge chrono's answers with the same rules.
//
//   cd eval && npm install          # chrono-node into eval/node_modules
//   node eval/chrono_compare.mjs [--all] [--show-failures] [--no-forward-date]
//
// The subset ("durations, deadlines and relative days") is defined once, in
// duckling.py; this script asks it for the cases (--dump-subset), or scores
// every case with --all.
//
// How chrono's answers are read (as generously as our own are):
//   * chrono.parse(text, {instant: ref, timezone: offset}, {forwardDate: true});
//     forwardDate prefers the future, as Duckling and libtact do; it scores
//     higher than without (--no-forward-date) on this data.
//   * Each result becomes one expression with start = the reference time and
//     end = the result's end when chrono found a range, else its start: the
//     same "deadline" reading duckling.py applies to libtact (an instant is
//     right when end falls in the expected grain unit; an interval when end
//     falls in its last grain unit).
//   * Durations: chrono has no duration type. A date it finds in a duration
//     text ("30 days" is usually not one) counts as now + duration, so
//     max_seconds = date - reference.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as chrono from "chrono-node";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const all = args.includes("--all");
const forwardDate = !args.includes("--no-forward-date");
const tmp = mkdtempSync(join(tmpdir(), "tact-chrono-"));
const py = process.env.PYTHON || "python3";
const duckling = join(here, "duckling.py");
const data = join(here, "..", "..", "shared", "data", "duckling", "duckling-en.dev.jsonl");

try {
  const casesFile = all ? data : join(tmp, "subset.jsonl");
  if (!all) execFileSync(py, [duckling, "--data", data, "--dump-subset", casesFile]);
  const cases = readFileSync(casesFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

  const lines = cases.map((c) => {
    // "2013-02-12T04:30:00-02:00": the instant and its offset in minutes
    const ref = new Date(c.ref);
    const m = /([+-])(\d\d):?(\d\d)$/.exec(c.ref);
    const offset = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
    const now = Math.floor(ref.getTime() / 1000);
    let results = [];
    try {
      results = chrono.parse(c.text, { instant: ref, timezone: offset }, { forwardDate });
    } catch {
      results = [];
    }
    const times = results.map((r) => {
      const start = Math.floor(r.start.date().getTime() / 1000);
      const end = r.end ? Math.floor(r.end.date().getTime() / 1000) : start;
      return {
        start: now,
        end,
        kind: "deadline",
        grain: "none",
        text: r.text,
        min_seconds: 0,
        max_seconds: end - now,
        business_days: 0,
      };
    });
    return JSON.stringify({ times });
  });
  const timesFile = join(tmp, "chrono.jsonl");
  writeFileSync(timesFile, lines.join("\n") + "\n");
  const pkg = JSON.parse(readFileSync(join(here, "node_modules", "chrono-node", "package.json"), "utf8"));
  const out = execFileSync(py, [
    duckling, "--data", data, "--cases", casesFile, "--times", timesFile,
    "--label", `chrono-node ${pkg.version} (forwardDate ${forwardDate})`,
    ...(args.includes("--show-failures") ? ["--show-failures"] : []),
  ]);
  process.stdout.write(out);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
