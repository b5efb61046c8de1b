// `require('agentmeter/kafka')` for resolvers that ignore "exports".
module.exports = require('./dist/exporters/kafka/index.js');
