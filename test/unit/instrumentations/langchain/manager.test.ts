// The patch on a stand-in for @langchain/core's CallbackManager with the behaviour it relies on.
import { describe, expect, it } from 'vitest';
import { patchCallbackManager, unpatchCallbackManager } from '../../../../src/instrumentations/langchain/manager';
import { LangChainInstrumentation, LANGCHAIN_CORE_VERSIONS } from '../../../../src/instrumentations/langchain/instrumentation';

/** As LangChain's: no manager when there is nothing to call; metadata only on a manager it made. */
class CallbackManager {
  handlers: unknown[] = [];
  inheritable: unknown[] = [];
  metadata: Record<string, unknown> = {};
  addHandler(handler: unknown, inherit = true): void {
    this.handlers.push(handler);
    if (inherit) this.inheritable.push(handler);
  }
  static _configureSync(inheritable?: unknown[], local?: unknown[], _tags?: unknown, _localTags?: unknown, metadata?: Record<string, unknown>): CallbackManager | undefined {
    if (inheritable === undefined && local === undefined) return undefined;
    const manager = new CallbackManager();
    for (const h of inheritable ?? []) manager.addHandler(h, true);
    for (const h of local ?? []) manager.addHandler(h, false);
    Object.assign(manager.metadata, metadata);
    return manager;
  }
  static configure(...args: Parameters<typeof CallbackManager._configureSync>): CallbackManager | undefined {
    return this._configureSync(...args);
  }
}

describe('the CallbackManager patch', () => {
  const ours = { name: 'agentmeter_metrics' };

  it('gives every run the handler, inheritable, with the metadata LangChain would have applied', () => {
    const original = CallbackManager._configureSync;
    let enabled = true;
    expect(patchCallbackManager(CallbackManager, ours, () => enabled)).toBe(true);
    const bare = CallbackManager.configure(undefined, undefined, undefined, undefined, { ls_integration: 'langgraph' })!;
    expect([bare.handlers, bare.inheritable, bare.metadata]).toEqual([[ours], [ours], { ls_integration: 'langgraph' }]);
    const app = { name: 'app' };
    const withApp = CallbackManager._configureSync([app], undefined)!;
    expect(withApp.handlers).toEqual([app, ours]);
    // A child configured from handlers that already include it does not get it twice.
    expect(CallbackManager._configureSync(withApp.inheritable)!.handlers).toEqual([app, ours]);
    enabled = false;
    expect(CallbackManager._configureSync(undefined, undefined)).toBeUndefined();
    unpatchCallbackManager(CallbackManager);
    expect(CallbackManager._configureSync).toBe(original);
  });

  it('is not installed on a class without a configure function', () => {
    expect(patchCallbackManager(class {}, ours, () => true)).toBe(false);
  });

  it('hooks both builds of @langchain/core’s callbacks/manager and the provider SDKs’ main modules', () => {
    const definitions = new LangChainInstrumentation({ enabled: false }).getModuleDefinitions();
    expect(definitions.map((d) => [d.name, d.files.map((f) => f.name)])).toEqual([
      ['@langchain/core', ['@langchain/core/dist/callbacks/manager.cjs', '@langchain/core/dist/callbacks/manager.js']],
      ['openai', []],
      ['@anthropic-ai/sdk', []],
    ]);
    const file = definitions[0]!.files[0]!;
    class Manager extends CallbackManager {}
    const exports = { CallbackManager: Manager };
    const before = Manager._configureSync;
    file.patch(exports, '1.4.0');
    expect(Manager._configureSync).not.toBe(before);
    file.unpatch(exports, '1.4.0');
    expect(Manager._configureSync).toBe(before);
    expect(LANGCHAIN_CORE_VERSIONS).toEqual(['>=1.0.0 <2']);
  });
});
