// The Mastra hook on stand-ins for Mastra's class (its `observability` getter, `registerExporter`)
// and @mastra/observability's entrypoint and instances.
import { describe, expect, it } from 'vitest';
import { MastraInstrumentation, MASTRA_CORE_VERSIONS } from '../../../../src/instrumentations/mastra/instrumentation';
import { attachTo, isNoOp } from '../../../../src/instrumentations/mastra/observability';

class Instance {
  exporters: unknown[] = [];
  registerExporter(exporter: unknown): void {
    this.exporters.push(exporter);
  }
  getExporters(): unknown[] {
    return [...this.exporters];
  }
}

class Entrypoint {
  instances = new Map<string, Instance>();
  constructor(names: string[]) {
    for (const name of names) this.instances.set(name, new Instance());
  }
  listInstances(): Map<string, Instance> {
    return new Map(this.instances);
  }
  getDefaultInstance(): Instance | undefined {
    return this.instances.values().next().value;
  }
  registerInstance(name: string, instance: Instance): void {
    this.instances.set(name, instance);
  }
}

class NoOp {
  listInstances(): Map<string, never> {
    return new Map();
  }
  getDefaultInstance(): undefined {
    return undefined;
  }
}

function mastraClass() {
  return class Mastra {
    #observability: object;
    reads = 0;
    constructor(observability?: object) {
      this.#observability = observability ?? new NoOp();
    }
    get observability(): object {
      this.reads++;
      return this.#observability;
    }
    registerExporter(exporter: unknown, instance: Instance, entrypoint: Entrypoint): void {
      if (this.#observability instanceof NoOp) {
        this.#observability = entrypoint;
        entrypoint.registerInstance('default', instance);
      }
      (this.#observability as Entrypoint).getDefaultInstance()!.registerExporter(exporter);
    }
  };
}

describe('adding the exporter to an observability', () => {
  it('adds it to every instance once, and to instances registered later', () => {
    const exporter = { name: 'agentmeter' };
    const entrypoint = new Entrypoint(['default', 'other']);
    attachTo(entrypoint, exporter);
    attachTo(entrypoint, exporter);
    expect([...entrypoint.instances.values()].map((i) => i.exporters)).toEqual([[exporter], [exporter]]);
    const later = new Instance();
    entrypoint.registerInstance('later', later);
    expect(later.exporters).toEqual([exporter]);
    expect([isNoOp(entrypoint), isNoOp(new NoOp()), isNoOp(undefined)]).toEqual([false, true, true]);
  });
});

describe('MastraInstrumentation', () => {
  it('wraps the Mastra class’s observability getter: the app’s entrypoint gets agentmeter’s exporter beside its own', () => {
    const instrumentation = new MastraInstrumentation({ enabled: false });
    const [definition] = instrumentation.getModuleDefinitions();
    expect([definition!.name, definition!.files.map((f) => f.name)]).toEqual(['@mastra/core', ['@mastra/core/dist/mastra/index.js', '@mastra/core/dist/mastra/index.cjs']]);
    const Mastra = mastraClass();
    const appExporter = { name: 'app' };
    const entrypoint = new Entrypoint(['default']);
    entrypoint.instances.get('default')!.registerExporter(appExporter);
    const exports = { Mastra };
    instrumentation.enable();
    try {
      definition!.patch!(exports, '1.71.0');
      // Patched from both entries that export the class: wrapped once.
      definition!.files[0]!.patch(exports, '1.71.0');
      const mastra = new Mastra(entrypoint);
      expect(mastra.observability).toBe(entrypoint);
      expect(mastra.reads).toBe(1);
      expect(entrypoint.instances.get('default')!.exporters).toEqual([appExporter, instrumentation.exporter]);
      definition!.unpatch!(exports);
      const plain = new Mastra(new Entrypoint(['default']));
      void plain.observability;
      expect((plain.observability as Entrypoint).instances.get('default')!.exporters).toEqual([]);
    } finally {
      instrumentation.disable();
    }
    expect(MASTRA_CORE_VERSIONS).toEqual(['>=1.16.0 <2']);
  });

  it('leaves a Mastra alone while disabled', () => {
    const instrumentation = new MastraInstrumentation({ enabled: false });
    const Mastra = mastraClass();
    instrumentation.patchModule({ Mastra }, '1.71.0');
    const entrypoint = new Entrypoint(['default']);
    void new Mastra(entrypoint).observability;
    expect(entrypoint.instances.get('default')!.exporters).toEqual([]);
  });
});
