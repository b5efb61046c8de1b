// The same ten recordings per request, three ways: agentmeter's helpers, the raw OTel SDK's
// instruments and prom-client's metrics. Instruments are created once; every call passes its
// attributes, as an application would.

/** The per-request values that vary: which tool ran and whether the first cache lookup hit. */
export function requestShape(i) {
  return { tool: i % 2 === 0 ? 'web_search' : 'code_exec', hit: i % 3 !== 0 };
}

export function agentmeterRecorder(am) {
  return (shape, seconds) => {
    am.recordToolCall({ tool: shape.tool, seconds });
    am.recordCacheLookup({ cache: 'embeddings', hit: shape.hit });
    am.recordCacheLookup({ cache: 'results', hit: !shape.hit });
    am.recordRouting({ strategy: 'semantic', agent: 'planner', seconds, candidates: 4, confidence: 0.8 });
    am.recordLlmCall({ provider: 'anthropic', model: 'claude-sonnet', seconds, inputTokens: 120, outputTokens: 40 });
    am.recordActionLog({ agent: 'planner', action: 'plan', seconds });
    am.recordPublish({ topic: 'tool_results', seconds, messages: 1 });
    am.recordDbOperation({ operation: 'SELECT', table: 'sessions', seconds });
    am.recordCacheOperation({ cache: 'embeddings', operation: 'set', seconds });
    am.recordToolCall({ tool: 'summarize', seconds });
  };
}

export function otelRecorder(meter) {
  const h = (name) => meter.createHistogram(name, { unit: 's' });
  const c = (name) => meter.createCounter(name);
  const tool = h('gen_ai.execute_tool.duration');
  const cacheRequests = c('agent.cache.requests');
  const routingDuration = h('agent.routing.duration');
  const routingDecisions = c('agent.routing.decisions');
  const routingCandidates = meter.createHistogram('agent.routing.candidates');
  const routingConfidence = meter.createHistogram('agent.routing.confidence');
  const llmDuration = h('gen_ai.client.operation.duration');
  const llmTokens = meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}' });
  const actionDuration = h('agent.action_log.duration');
  const actionEvents = c('agent.action_log.events');
  const publishDuration = h('messaging.client.operation.duration');
  const publishMessages = c('messaging.client.sent.messages');
  const dbDuration = h('db.client.operation.duration');
  const cacheOperation = h('agent.cache.operation.duration');
  return (shape, seconds) => {
    tool.record(seconds, { 'gen_ai.tool.name': shape.tool });
    cacheRequests.add(1, { 'agent.cache.name': 'embeddings', 'agent.cache.result': shape.hit ? 'hit' : 'miss' });
    cacheRequests.add(1, { 'agent.cache.name': 'results', 'agent.cache.result': shape.hit ? 'miss' : 'hit' });
    routingDuration.record(seconds, { 'agent.routing.strategy': 'semantic', 'agent.routing.outcome': 'success' });
    routingDecisions.add(1, { 'agent.routing.strategy': 'semantic', 'gen_ai.agent.name': 'planner', 'agent.routing.cache_hit': 'false', 'agent.routing.outcome': 'success' });
    routingCandidates.record(4, { 'agent.routing.strategy': 'semantic' });
    routingConfidence.record(0.8, { 'agent.routing.strategy': 'semantic' });
    const llm = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-sonnet' };
    llmDuration.record(seconds, llm);
    llmTokens.record(120, { ...llm, 'gen_ai.token.type': 'input' });
    llmTokens.record(40, { ...llm, 'gen_ai.token.type': 'output' });
    actionDuration.record(seconds, { 'gen_ai.agent.name': 'planner', 'agent.action': 'plan' });
    actionEvents.add(1, { 'gen_ai.agent.name': 'planner', 'agent.action': 'plan', 'agent.action.status': 'success' });
    const pub = { 'messaging.system': 'kafka', 'messaging.destination.name': 'tool_results', 'messaging.operation.name': 'send' };
    publishDuration.record(seconds, pub);
    publishMessages.add(1, pub);
    dbDuration.record(seconds, { 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT', 'db.collection.name': 'sessions' });
    cacheOperation.record(seconds, { 'agent.cache.name': 'embeddings', 'agent.cache.operation': 'set' });
    tool.record(seconds, { 'gen_ai.tool.name': 'summarize' });
  };
}

export function promClientRecorder(client, register) {
  const h = (name, labelNames) => new client.Histogram({ name, help: name, labelNames, registers: [register] });
  const c = (name, labelNames) => new client.Counter({ name, help: name, labelNames, registers: [register] });
  const tool = h('gen_ai_execute_tool_duration_seconds', ['gen_ai_tool_name']);
  const cacheRequests = c('agent_cache_requests_total', ['agent_cache_name', 'agent_cache_result']);
  const routingDuration = h('agent_routing_duration_seconds', ['strategy', 'outcome']);
  const routingDecisions = c('agent_routing_decisions_total', ['strategy', 'agent', 'cache_hit', 'outcome']);
  const routingCandidates = h('agent_routing_candidates', ['strategy']);
  const routingConfidence = h('agent_routing_confidence', ['strategy']);
  const llmDuration = h('gen_ai_client_operation_duration_seconds', ['operation', 'provider', 'model']);
  const llmTokens = h('gen_ai_client_token_usage', ['operation', 'provider', 'model', 'token_type']);
  const actionDuration = h('agent_action_log_duration_seconds', ['agent', 'action']);
  const actionEvents = c('agent_action_log_events_total', ['agent', 'action', 'status']);
  const publishDuration = h('messaging_client_operation_duration_seconds', ['system', 'destination', 'operation']);
  const publishMessages = c('messaging_client_sent_messages_total', ['system', 'destination', 'operation']);
  const dbDuration = h('db_client_operation_duration_seconds', ['system', 'operation', 'collection']);
  const cacheOperation = h('agent_cache_operation_duration_seconds', ['agent_cache_name', 'operation']);
  return (shape, seconds) => {
    tool.observe({ gen_ai_tool_name: shape.tool }, seconds);
    cacheRequests.inc({ agent_cache_name: 'embeddings', agent_cache_result: shape.hit ? 'hit' : 'miss' });
    cacheRequests.inc({ agent_cache_name: 'results', agent_cache_result: shape.hit ? 'miss' : 'hit' });
    routingDuration.observe({ strategy: 'semantic', outcome: 'success' }, seconds);
    routingDecisions.inc({ strategy: 'semantic', agent: 'planner', cache_hit: 'false', outcome: 'success' });
    routingCandidates.observe({ strategy: 'semantic' }, 4);
    routingConfidence.observe({ strategy: 'semantic' }, 0.8);
    const llm = { operation: 'chat', provider: 'anthropic', model: 'claude-sonnet' };
    llmDuration.observe(llm, seconds);
    llmTokens.observe({ ...llm, token_type: 'input' }, 120);
    llmTokens.observe({ ...llm, token_type: 'output' }, 40);
    actionDuration.observe({ agent: 'planner', action: 'plan' }, seconds);
    actionEvents.inc({ agent: 'planner', action: 'plan', status: 'success' });
    const pub = { system: 'kafka', destination: 'tool_results', operation: 'send' };
    publishDuration.observe(pub, seconds);
    publishMessages.inc(pub);
    dbDuration.observe({ system: 'postgresql', operation: 'SELECT', collection: 'sessions' }, seconds);
    cacheOperation.observe({ agent_cache_name: 'embeddings', operation: 'set' }, seconds);
    tool.observe({ gen_ai_tool_name: 'summarize' }, seconds);
  };
}
