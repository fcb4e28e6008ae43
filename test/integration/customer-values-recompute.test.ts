import { customerValuesRecomputeSuite } from "../support/customer-values-recompute-suite";
import { isolatedEnvironment } from "../support/environment";

customerValuesRecomputeSuite(async () => isolatedEnvironment());
