import { examineHome, type DoctorReport } from '../../core/store/home-doctor';
import { resolveKilnHome } from '../../core/store/kiln-home';
import { openKilnStore } from '../../core/store/kiln-store';
import { HOME_OPTION, JSON_OPTION, type Command } from '../command';

function describe(report: DoctorReport): string {
  const lines = [
    `Kiln home ${report.home}`,
    `database: integrity_check ${report.integrity.join() === 'ok' ? 'ok' : 'FAILED'}`,
    `blobs: ${report.checkedBlobs} referenced, each read and hashed`,
  ];
  if (report.findings.length === 0) return [...lines, 'Nothing to repair.'].join('\n') + '\n';
  for (const f of report.findings) lines.push(`problem: ${f.problem}`, `  ${report.repaired ? 'done' : 'would'}: ${f.action}`);
  if (!report.repaired) lines.push('Run "kiln doctor --repair" to do this.');
  return lines.join('\n') + '\n';
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check a Kiln home (database integrity, every blob present and intact, orphans); --repair fixes what it can.',
  usage: `kiln doctor [--repair] [--json] [--home DIR]

Without --repair nothing is changed: each problem is listed with what --repair would do. Damaged blobs are moved
to HOME/quarantine (never deleted); a damaged database is only reported (restore kiln.db from a backup).
Exits with 1 when a problem remains.`,
  options: { repair: { type: 'boolean' }, ...HOME_OPTION, ...JSON_OPTION },
  async run({ values }, io) {
    const store = openKilnStore(resolveKilnHome(values.home as string | undefined, io.env));
    try {
      const report = examineHome(store, { repair: values.repair === true });
      io.out(values.json ? JSON.stringify(report, null, 2) + '\n' : describe(report));
      const unresolved = report.repaired ? report.findings.filter((f) => f.kind === 'database') : report.findings;
      return unresolved.length > 0 ? 1 : 0;
    } finally {
      store.close();
    }
  },
};
