import { customerValuesSuite } from "../support/customer-values-suite";
import { isolatedEnvironment } from "../support/environment";

customerValuesSuite(async () => isolatedEnvironment());
