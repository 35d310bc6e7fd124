/** Vendored file name → the file it is copied from. */
export declare const VENDORED: Record<string, string>
