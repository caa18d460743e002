// Replaced by the generated schema types once the migrations land.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DB {}
