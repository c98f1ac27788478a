// Runs a compiled Pulumi program the way `pulumi up` does, with mocks in place of the engine. pulumi v3.248.0:
// the program's working directory is dirname(main) (pkg/engine/project.go:66), `sdk/nodejs/cmd/run` chdirs there
// (run/index.ts:256) and passes the project root only as PULUMI_NODEJS_ROOT_DIRECTORY (run/index.ts:242), then
// `require`s the program. So: start this file with cwd = dirname(main) and that variable set.
// Plain JavaScript on purpose: no TypeScript loader in the process, as under the CLI.
// argv[2]: the program's main. env PULUMI_TEST_PROJECT: project name; PULUMI_TEST_CONFIG: JSON of config (keys
// without a namespace get the project's). Prints `REGISTER <json>` per resource and `OUTPUTS <json>` at the end.
const path = require('node:path');

const main = path.resolve(process.argv[2]);
// The program's own copy of the SDK: the runtime state is per module instance.
const pulumi = require(require.resolve('@pulumi/pulumi', { paths: [path.dirname(main)] }));
const project = process.env.PULUMI_TEST_PROJECT || 'project';
const config = JSON.parse(process.env.PULUMI_TEST_CONFIG || '{}');
const records = [];

async function run() {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        records.push({ type: args.type, name: args.name, custom: args.custom, inputs: args.inputs });
        return { id: args.custom ? `${args.name}-id` : undefined, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    project,
    'stack',
    false,
  );
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(':') ? k : `${project}:${k}`, v])));
  const exported = require(main);
  const outputs = await pulumi.output(exported).promise();
  let printed = false;
  process.on('beforeExit', () => {
    if (printed) return;
    printed = true;
    for (const r of records.splice(0)) process.stdout.write(`REGISTER ${JSON.stringify(r)}\n`);
    if (outputs !== undefined) process.stdout.write(`OUTPUTS ${JSON.stringify(outputs)}\n`);
  });
}

run().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
