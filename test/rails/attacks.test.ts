import { describeAttacks } from "../adversarial/attackSuite.js"
import { railsTargets } from "../adversarial/targets.js"

describeAttacks("Rails gem (ActionCable, puma)", railsTargets())
