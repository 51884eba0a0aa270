// Runs the CLI from source, as bin/regwatch.js runs it from dist/. With REGWATCH_TEST_CLI=dist it
// runs the built CLI instead (npm run build first): the CLI tests then check the linked build.
const entry = process.env.REGWATCH_TEST_CLI === 'dist' ? '../../dist/src/cli/main.js' : '../../src/cli/main.js';
const { main } = (await import(entry)) as typeof import('../../src/cli/main.js');

process.exitCode = await main(process.argv.slice(2));
