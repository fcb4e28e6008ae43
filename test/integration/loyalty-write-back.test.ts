// The loyalty write-back on SQLite (the embedded default).
import { writeBackSuite } from "./loyalty-write-back.suite";

writeBackSuite("sqlite");
