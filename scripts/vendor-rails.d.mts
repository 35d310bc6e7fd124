/** Vendored file name → the file it is copied from. */
export declare const VENDORED: Record<string, string>
/** Where the Redis store's Lua scripts are written for the gem. */
export declare const LUA_TARGET: string
/** File name → text of each Lua script, as the build writes them. */
export declare function luaScripts(): Promise<Record<string, string>>
