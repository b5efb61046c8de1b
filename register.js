// `node --require agentmeter/register app.js` (also found by resolvers that ignore "exports").
require('./dist/sdk/register.js');
