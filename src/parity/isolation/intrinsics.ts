/**
 * Detects code that changed the shared built-ins of its process (a method patched on
 * Object.prototype or Array.prototype, JSON.stringify replaced, a getter added): the snapshot
 * holds every own property descriptor of the intrinsics, read with functions captured before any
 * other code ran, and `changes()` names what differs now.
 */
const ownKeys = Reflect.ownKeys;
const getDescriptor = Reflect.getOwnPropertyDescriptor;
const getPrototype = Reflect.getPrototypeOf;
const isExtensible = Reflect.isExtensible;
const apply = Reflect.apply;
const arrayPush = Array.prototype.push;
const stringOf = String;
const objectIs = Object.is;

/** [key, descriptor] pairs: plain arrays walked by index, so no patched iterator or Map method takes part. */
type Snapshot = Array<[PropertyKey, PropertyDescriptor]>;

/**
 * Node adds globals of its own as they are first used (fetch's dispatcher, lazy getters that turn
 * into values): of the global object only the bindings of the built-ins below are compared.
 */
const GLOBAL_BINDINGS: readonly PropertyKey[] = [
  "Object",
  "Function",
  "Array",
  "String",
  "Number",
  "Boolean",
  "Symbol",
  "BigInt",
  "Error",
  "TypeError",
  "Promise",
  "RegExp",
  "Date",
  "Map",
  "Set",
  "JSON",
  "Math",
  "Reflect",
  "Proxy",
  "Uint8Array",
  "Buffer",
];

const INTRINSICS: ReadonlyArray<readonly [string, object]> = [
  ["globalThis", globalThis],
  ["Object", Object],
  ["Object.prototype", Object.prototype],
  ["Function", Function],
  ["Function.prototype", Function.prototype],
  ["Array", Array],
  ["Array.prototype", Array.prototype],
  ["String", String],
  ["String.prototype", String.prototype],
  ["Number.prototype", Number.prototype],
  ["Boolean.prototype", Boolean.prototype],
  ["Symbol", Symbol],
  ["Symbol.prototype", Symbol.prototype],
  ["BigInt.prototype", BigInt.prototype],
  ["Error", Error],
  ["Error.prototype", Error.prototype],
  ["Promise", Promise],
  ["Promise.prototype", Promise.prototype],
  ["RegExp.prototype", RegExp.prototype],
  ["Date.prototype", Date.prototype],
  ["Map.prototype", Map.prototype],
  ["Set.prototype", Set.prototype],
  ["JSON", JSON],
  ["Math", Math],
  ["Reflect", Reflect],
  ["Uint8Array.prototype", Uint8Array.prototype],
  ["TypedArray.prototype", Object.getPrototypeOf(Uint8Array.prototype) as object],
  ["Buffer", Buffer],
  ["Buffer.prototype", Buffer.prototype],
];

export interface IntrinsicsSnapshot {
  /** What changed since the snapshot, one description each (empty: nothing). */
  changes(): string[];
}

export function snapshotIntrinsics(): IntrinsicsSnapshot {
  const taken: Array<{ name: string; target: object; prototype: object | null; extensible: boolean; properties: Snapshot }> = [];
  for (let i = 0; i < INTRINSICS.length; i++) {
    const [name, target] = INTRINSICS[i];
    apply(arrayPush, taken, [
      { name, target, prototype: getPrototype(target), extensible: isExtensible(target), properties: describeAll(target) },
    ]);
  }
  return {
    changes() {
      const changes: string[] = [];
      const note = (text: string) => void apply(arrayPush, changes, [text]);
      for (let i = 0; i < taken.length; i++) {
        // Plain property reads only (no destructuring of arrays: that calls a patchable iterator).
        const { name, target, prototype, extensible, properties } = taken[i];
        if (getPrototype(target) !== prototype) note(`${name}: its prototype was replaced`);
        if (isExtensible(target) !== extensible) note(`${name}: was frozen or sealed`);
        const now = describeAll(target);
        for (let j = 0; j < properties.length; j++) {
          const key = properties[j][0];
          const before = properties[j][1];
          const after = find(now, key);
          if (!after) note(`${name}.${stringOf(key)} was deleted`);
          else if (!sameDescriptor(before, after)) note(`${name}.${stringOf(key)} was changed`);
        }
        for (let j = 0; j < now.length; j++) if (!find(properties, now[j][0])) note(`${name}.${stringOf(now[j][0])} was added`);
      }
      return changes;
    },
  };
}

function describeAll(target: object): Snapshot {
  const keys = target === globalThis ? GLOBAL_BINDINGS : ownKeys(target);
  const snapshot: Snapshot = [];
  for (let i = 0; i < keys.length; i++) {
    const descriptor = getDescriptor(target, keys[i]);
    if (descriptor) apply(arrayPush, snapshot, [[keys[i], descriptor]]);
  }
  return snapshot;
}

function find(snapshot: Snapshot, key: PropertyKey): PropertyDescriptor | undefined {
  for (let i = 0; i < snapshot.length; i++) if (snapshot[i][0] === key) return snapshot[i][1];
  return undefined;
}

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return (
    objectIs(a.value, b.value) &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}
