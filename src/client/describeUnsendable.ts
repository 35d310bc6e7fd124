/**
 * Says why `data` cannot go as a JSON message, or undefined when it can: only what JSON carries
 * faithfully is taken (strings, finite numbers, booleans, null, plain objects and arrays of them;
 * object properties that are `undefined` are dropped, as JSON does). Binary data (`ArrayBuffer`,
 * typed arrays, `Blob`) goes as binary instead, not through here; inside a JSON value it is refused.
 */
export function describeUnsendable(data: unknown): string | undefined {
  return findProblem(data, "the message", new Set())
}

function findProblem(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined
    case "number":
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON turns into null`
    case "undefined":
      return `${path} is undefined, which JSON cannot carry`
    case "bigint":
    case "function":
    case "symbol":
      return `${path} is a ${typeof value}, which JSON cannot carry`
  }
  if (value === null) return undefined
  const object = value as object
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer || (typeof Blob !== "undefined" && object instanceof Blob)) {
    return `${path} is binary data (${object.constructor.name}) inside a JSON value, which JSON would mangle; send it on its own as a message`
  }
  if (seen.has(object)) return `${path} contains itself (a cycle)`
  seen.add(object)
  try {
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i += 1) {
        const problem = findProblem(object[i], `${path}[${i}]`, seen)
        if (problem) return problem
      }
      return undefined
    }
    const prototype: unknown = Object.getPrototypeOf(object)
    if (prototype !== Object.prototype && prototype !== null) {
      const name = (object as { constructor?: { name?: string } }).constructor?.name ?? "object"
      return `${path} is a ${name}, which JSON does not carry faithfully; send plain objects, arrays, strings, numbers, booleans and null`
    }
    for (const [key, item] of Object.entries(object)) {
      if (item === undefined) continue
      const problem = findProblem(item, `${path}.${key}`, seen)
      if (problem) return problem
    }
    return undefined
  } finally {
    seen.delete(object)
  }
}
