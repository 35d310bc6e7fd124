import { describeIsolation } from "../adversarial/isolationSuite.js"
import { railsTargets } from "../adversarial/targets.js"

const rails = railsTargets()
describeIsolation("Rails gem (ActionCable, puma)", {
  start: async () => {
    const target = await rails.start()
    return { victim: target, attacker: target }
  },
  stop: () => rails.tearDown(),
})
