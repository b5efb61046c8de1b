// `node --require agentmeter/register app.js` (also found by resolvers that ignore "exports").
// It installs the ESM loader hooks too, so ESM apps and libraries are measured as with --import.
require('./dist/sdk/register.js');
