import { describeBadInput } from "../adversarial/badInputSuite.js"
import { railsTargets } from "../adversarial/targets.js"

describeBadInput("Rails gem (ActionCable, puma)", railsTargets())
