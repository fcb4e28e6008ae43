// English messages of the retention pages (keys start with "retention."), spread into the English catalog.
export const retentionEn = {} as const satisfies Record<string, string | { one: string; other: string }>;
