/** Runs the provider's create in its own process (for the kill-and-resume test): argv[2] is the inputs as JSON. */
import { disasterRecoveryProvider } from '../../lib/pulumi/disaster-recovery-provider';

disasterRecoveryProvider.create!(JSON.parse(process.argv[2])).then(
  (r) => process.stdout.write(`RESULT ${JSON.stringify(r)}\n`),
  (e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  },
);
