/**
 * Which LangChain run is an agent, and the names of agents and tools.
 *
 * `createAgent` (langchain 1.x) builds a LangGraph graph and runs it with the metadata
 * `ls_integration: "langchain_create_agent"` (and, for a named agent, `lc_agent_name`), which
 * every run inside it inherits. The agent's own run is the graph's: a chain whose class is a
 * LangGraph one (`serialized.id` starts with `langgraph`, e.g. `CompiledStateGraph`) and whose
 * name is the agent's (`createAgent({ name })`, or LangGraph's default `LangGraph`). The name
 * check keeps a plain subgraph run inside a named agent from counting as an agent.
 * A graph made otherwise (the deprecated `createReactAgent`, a hand-built StateGraph) carries
 * only `ls_integration: "langgraph"`, like any graph, and is not counted as an agent.
 */
import { classId } from './models';

const CREATE_AGENT = 'langchain_create_agent';
/** LangGraph's name for a graph compiled without one. */
const UNNAMED_GRAPH = 'LangGraph';

function field(metadata: unknown, key: 'ls_integration' | 'lc_agent_name'): unknown {
  return typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The run is part of a `createAgent` agent (its own run, a node, a model or tool call in it). */
export function isInsideAgent(metadata: unknown): boolean {
  return field(metadata, 'ls_integration') === CREATE_AGENT;
}

/** The chain run is a `createAgent` agent's graph run. */
export function isAgentRun(chain: unknown, metadata: unknown, runName: unknown): boolean {
  if (!isInsideAgent(metadata) || classId(chain)?.[0] !== 'langgraph') return false;
  const named = field(metadata, 'lc_agent_name');
  return named === undefined || named === runName;
}

/** The agent's name: the graph run's name. */
export function agentName(runName: unknown): string {
  return text(runName) ?? UNNAMED_GRAPH;
}

/** A tool run's name: its run name (the tool's `name`), else the serialized name or class. */
export function toolName(tool: unknown, runName: unknown): string {
  const serialized = typeof tool === 'object' && tool !== null ? (tool as { name?: unknown }) : undefined;
  return text(runName) ?? text(serialized?.name) ?? classId(tool)?.at(-1) ?? 'tool';
}
