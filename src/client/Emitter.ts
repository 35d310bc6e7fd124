/** A small typed event emitter; `on()` returns the function that unsubscribes. */
export class Emitter<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>()

  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => void set.delete(listener)
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        ;(listener as (...a: Parameters<Events[K]>) => void)(...args)
      } catch (error) {
        // A listener's bug must not break the session; surface it where the app can see it.
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }
}
