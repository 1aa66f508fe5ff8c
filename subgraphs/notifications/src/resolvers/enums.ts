/** Stored values are lower_snake_case ('in_app'); GraphQL enums are their upper-case forms ('IN_APP'). */
export function toEnum(stored: string): never {
  // Typed as never so it fits whichever generated enum the field has; the stored unions guarantee the value.
  return stored.toUpperCase() as never;
}

export function fromEnum<Stored extends string>(value: string): Stored {
  return value.toLowerCase() as Stored;
}
