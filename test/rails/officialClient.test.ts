import { describeOfficialClientRefusals } from "../adversarial/officialClientSuite.js"
import { railsTargets } from "../adversarial/targets.js"

describeOfficialClientRefusals("Rails gem (ActionCable, puma)", railsTargets())
