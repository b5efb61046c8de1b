import { describe, expect, it } from 'vitest';
import { detectOtherSdk, otherSdkNotice, preloadedModules, registeredGlobals } from '../../../src/sdk/coexist';

const AUTO = '@opentelemetry/auto-instrumentations-node/register';

describe('registeredGlobals', () => {
  it.each([
    [undefined, []],
    [{ version: '1.10.0' }, []],
    [{ version: '1.10.0', diag: {} }, []],
    [{ version: '1.10.0', diag: {}, context: {}, propagation: {}, metrics: {} }, ['context', 'propagation', 'metrics']],
  ])('reads the API registry %j', (registry, expected) => {
    expect(registeredGlobals(registry)).toEqual(new Set(expected));
  });
});

describe('preloadedModules', () => {
  it.each<[string[], string | undefined, string[]]>([
    [['--require', 'a', '-r', 'b', '--import=c', '--require=d'], undefined, ['a', 'b', 'c', 'd']],
    [['--inspect', '--import', 'agentmeter/register'], `--max-old-space-size=100 --require ${AUTO}`, [AUTO, 'agentmeter/register']],
    [[], '--require "/srv/my app/otel.js" -r \'./x.cjs\'', ['/srv/my app/otel.js', './x.cjs']],
    [['--enable-source-maps'], '', []],
    [['--require'], undefined, []],
  ])('execArgv %j with NODE_OPTIONS %j', (execArgv, nodeOptions, expected) => {
    expect(preloadedModules(execArgv, nodeOptions)).toEqual(expected);
  });
});

describe('detectOtherSdk', () => {
  it.each<[string[], string[], ReturnType<typeof detectOtherSdk>]>([
    [[], [], undefined],
    [['context', 'propagation'], [], undefined],
    [['context', 'propagation', 'metrics', 'trace', 'logs'], [], { kind: 'registered', providers: ['MeterProvider', 'TracerProvider'] }],
    [['trace'], [], { kind: 'registered', providers: ['TracerProvider'] }],
    // Already ran: what it registered decides, wherever it sits on the preload list.
    [['metrics'], [AUTO, 'agentmeter/register'], { kind: 'registered', providers: ['MeterProvider'] }],
    [[], ['agentmeter/register', AUTO], { kind: 'preloaded-after' }],
    [[], ['/app/node_modules/@opentelemetry/auto-instrumentations-node/build/src/register.js'], { kind: 'preloaded-after' }],
    [[], ['@opentelemetry/auto-instrumentations-node/register.mjs'], { kind: 'preloaded-after' }],
    [[], ['@opentelemetry/auto-instrumentations-node'], undefined],
    [[], ['./my-otel-register.js'], undefined],
  ])('globals %j, preloads %j', (globals, preloads, expected) => {
    expect(detectOtherSdk(new Set(globals), preloads)).toEqual(expected);
  });
});

describe('otherSdkNotice', () => {
  it('names what the other SDK registered and what agentmeter does about it, in one line', () => {
    expect(otherSdkNotice({ kind: 'registered', providers: ['MeterProvider'] })).toBe(
      'agentmeter: another OpenTelemetry SDK registered the global MeterProvider first; agentmeter leaves the globals and ' +
        "instrumentations to it and serves only its own metrics (add createMetricProducer() to that SDK's metric readers to export them there too)",
    );
    expect(otherSdkNotice({ kind: 'preloaded-after' })).toBe(
      'agentmeter: @opentelemetry/auto-instrumentations-node/register runs after agentmeter; agentmeter starts no instrumentations, ' +
        "traces or logs of its own and serves that SDK's instrumentation metrics from its MeterProvider (that SDK's own metric exporter gets none)",
    );
    expect(otherSdkNotice({ kind: 'preloaded-after' })).not.toContain('\n');
  });
});
