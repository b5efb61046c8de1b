/**
 * How the handler joins every run: `CallbackManager._configureSync`, the one function every
 * run's callbacks come from (`CallbackManager.configure` calls it for models, tools and
 * retrievers; runnables, LangGraph's Pregel and `runWithConfig` call it directly), gets the
 * handler added to the manager it returns, as an inheritable handler so child runs have it too.
 *
 * Why not `registerConfigureHook` from `@langchain/core/context`, the hook LangSmith's tracer
 * uses: it keeps its list in LangChain's AsyncLocalStorage, set with `enterWith` in whatever
 * async context registers it, so a hook registered when the module loads reaches only the runs
 * started later from that same context (not a request handler already running, nor code that
 * loaded LangChain lazily elsewhere), and it throws until LangChain's storage exists. Wrapping
 * the configure function reaches every run, in every context, for both builds of the package.
 */
import { wrapMethod, unwrapMethod, type AnyFunction } from '../wrap';

/** The parts of LangChain's CallbackManager used here. */
interface CallbackManagerLike {
  handlers?: unknown;
  addHandler?(handler: unknown, inherit?: boolean): void;
}

/** The method wrapped: `_configureSync` (1.x), or `configure` if a later version drops it. */
function configureMethod(manager: object): '_configureSync' | 'configure' | undefined {
  const statics = manager as Record<string, unknown>;
  if (typeof statics._configureSync === 'function') return '_configureSync';
  return typeof statics.configure === 'function' ? 'configure' : undefined;
}

/** Patches the CallbackManager class; false when it has no configure function. */
export function patchCallbackManager(callbackManager: object, handler: object, enabled: () => boolean): boolean {
  const method = configureMethod(callbackManager);
  if (method === undefined) return false;
  return wrapMethod(callbackManager, method, (original) =>
    function configure(this: unknown, ...args: unknown[]): unknown {
      const manager = original.apply(this, args) as CallbackManagerLike | undefined;
      if (!enabled()) return manager;
      try {
        if (manager === undefined || manager === null) {
          // No handlers of the app's: configure again with ours as the only inheritable one, so
          // the tags and metadata are applied exactly as LangChain applies them.
          return original.call(this, [handler], ...args.slice(1));
        }
        if (Array.isArray(manager.handlers) && !manager.handlers.includes(handler)) manager.addHandler?.(handler, true);
      } catch {
        // A manager of a shape not known here: the run goes on without metrics.
      }
      return manager;
    } as AnyFunction,
  );
}

export function unpatchCallbackManager(callbackManager: object): void {
  const method = configureMethod(callbackManager);
  if (method !== undefined) unwrapMethod(callbackManager, method);
}
