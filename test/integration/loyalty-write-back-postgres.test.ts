// The loyalty write-back on PostgreSQL: claims, commits and their raw SQL.
import { writeBackSuite } from "./loyalty-write-back.suite";

writeBackSuite("postgresql");
