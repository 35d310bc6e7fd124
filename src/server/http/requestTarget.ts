/** The parts of a request target the server's handlers look at. */
export interface RequestTarget {
  pathname: string
  query: URLSearchParams
}

/**
 * Reads a request's target in origin form (`/path?query`), the only form a browser sends to an
 * origin server. Anything else (`*`, `//host/…`, an absolute URL, a path with control characters)
 * is undefined: the caller answers 400. Never throws.
 */
export function parseRequestTarget(url: string | undefined): RequestTarget | undefined {
  if (url === undefined || !url.startsWith("/") || url.startsWith("//")) return undefined
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(url)) return undefined
  const queryAt = url.indexOf("?")
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt)
  const query = new URLSearchParams(queryAt === -1 ? "" : url.slice(queryAt + 1))
  return { pathname, query }
}

/** The pathname of a request, or undefined when its target is not in origin form. */
export function requestPathname(url: string | undefined): string | undefined {
  return parseRequestTarget(url)?.pathname
}
