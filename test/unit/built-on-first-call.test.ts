import { describe, expect, it } from 'vitest';
import { builtOnFirstCall } from '../../shared/adapters/built-on-first-call.js';

interface Greeter {
  greet(name: string): Promise<string>;
  count(): Promise<number>;
}

/** A greeter whose load is counted, and fails `failures` times first. */
function counted(failures = 0) {
  const state = { loads: 0, calls: 0 };
  const greeter = builtOnFirstCall<Greeter>({ greet: true, count: true }, async () => {
    state.loads += 1;
    if (state.loads <= failures) throw new Error('the module did not load');
    const prefix = 'Hello';
    return {
      async greet(name) {
        state.calls += 1;
        return `${prefix}, ${name}`;
      },
      count: async () => state.calls,
    };
  });
  return { greeter, state };
}

describe('builtOnFirstCall', () => {
  it('loads nothing until a method is called, then loads once for every call, concurrent or later', async () => {
    const { greeter, state } = counted();
    expect(state.loads).toBe(0);

    const answers = await Promise.all([greeter.greet('Ada'), greeter.greet('Grace')]);
    expect(answers).toEqual(['Hello, Ada', 'Hello, Grace']);
    expect(await greeter.count()).toBe(2);
    expect(state.loads).toBe(1);
  });

  it('passes the arguments and the error of the built adapter through', async () => {
    const failing = builtOnFirstCall<Greeter>({ greet: true, count: true }, async () => ({
      greet: async (name) => {
        throw new Error(`no greeting for ${name}`);
      },
      count: async () => 0,
    }));

    await expect(failing.greet('Ada')).rejects.toThrow('no greeting for Ada');
  });

  it('forgets a failed load: the next call loads again', async () => {
    const { greeter, state } = counted(1);

    await expect(greeter.greet('Ada')).rejects.toThrow('the module did not load');
    expect(await greeter.greet('Ada')).toBe('Hello, Ada');
    expect(state.loads).toBe(2);
  });

  it("has only the port's methods: awaiting, serialising or printing it loads nothing", async () => {
    const { greeter, state } = counted();
    const same = await (async () => greeter)();

    expect(same).toBe(greeter);
    expect(Object.keys(greeter).sort()).toEqual(['count', 'greet']);
    expect(JSON.stringify({ greeter })).toBe('{"greeter":{}}');
    expect(String(greeter)).toBe('[object Object]');
    expect(state.loads).toBe(0);
  });
});
