import { useCallback, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, fieldOf, type UserErrorLike } from '../graphql/errors.ts';

/** A text, a checkbox, or a group of checkboxes (the values of those checked). */
export type FormValue = string | boolean | readonly string[];

export type FieldErrors<Values> = Partial<Record<keyof Values & string, string>>;

export interface UseFormOptions<Values extends Record<string, FormValue>> {
  initial: Values;
  /** Checks before anything is sent; returns a message per invalid field. */
  validate?(values: Values): FieldErrors<Values>;
  /**
   * Sends the form. Returns the server's userErrors (shown next to their fields, or above the form
   * when they name no field of it); throws for unexpected failures.
   */
  submit(values: Values): Promise<readonly UserErrorLike[] | void>;
}

/**
 * Form state with validation before sending, the server's userErrors next to the right field,
 * progress while sending and focus on the first problem.
 */
export function useForm<Values extends Record<string, FormValue>>({ initial, validate, submit }: UseFormOptions<Values>) {
  const { t } = useTranslation();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors<Values>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const focusFirstProblem = useCallback((fieldErrors: FieldErrors<Values>) => {
    const first = Object.keys(fieldErrors)[0];
    const control = first ? formRef.current?.querySelector<HTMLElement>(`[name="${CSS.escape(first)}"]`) : null;
    control?.focus();
  }, []);

  const onSubmit = useCallback(
    async (event?: FormEvent) => {
      event?.preventDefault();
      if (submitting) return;
      const found = validate?.(values) ?? {};
      setErrors(found);
      setFormError(null);
      if (Object.keys(found).length > 0) {
        focusFirstProblem(found);
        return;
      }
      setSubmitting(true);
      try {
        const userErrors = (await submit(values)) ?? [];
        const fieldErrors: FieldErrors<Values> = {};
        const unplaced: string[] = [];
        for (const error of userErrors) {
          const field = fieldOf(error);
          if (field && field in values && !(field in fieldErrors)) fieldErrors[field as keyof Values & string] = error.message;
          else unplaced.push(error.message);
        }
        setErrors(fieldErrors);
        setFormError(unplaced.length > 0 ? unplaced.join(' ') : null);
        if (Object.keys(fieldErrors).length > 0) focusFirstProblem(fieldErrors);
      } catch (error) {
        setFormError(describeError(error, t));
      } finally {
        setSubmitting(false);
      }
    },
    [focusFirstProblem, submit, submitting, t, validate, values],
  );

  function field<Name extends keyof Values & string>(name: Name) {
    const value = values[name];
    return {
      name,
      error: errors[name] ?? null,
      ...(typeof value === 'boolean'
        ? { checked: value, onChange: (event: ChangeEvent<HTMLInputElement>) => setValues((current) => ({ ...current, [name]: event.target.checked })) }
        : {
            value: value as string,
            onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setValues((current) => ({ ...current, [name]: event.target.value })),
          }),
    };
  }

  return {
    values,
    setValues,
    errors,
    formError,
    submitting,
    field,
    reset: () => {
      setValues(initial);
      setErrors({});
      setFormError(null);
    },
    formProps: { ref: formRef, noValidate: true, onSubmit: (event: FormEvent) => void onSubmit(event) },
  };
}

/** Shared checks, with messages from the `forms` namespace. */
export const rules = {
  required: (value: string) => value.trim().length > 0,
  email: (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()),
  minLength: (value: string, length: number) => value.length >= length,
};
