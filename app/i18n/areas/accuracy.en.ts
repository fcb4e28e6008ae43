// English messages of the accuracy pages (keys start with "accuracy."), spread into the English catalog.
export const accuracyEn = {} as const satisfies Record<string, string | { one: string; other: string }>;
