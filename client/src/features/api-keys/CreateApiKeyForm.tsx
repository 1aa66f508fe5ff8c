import type { Reference } from '@apollo/client';
import { isReference } from '@apollo/client/utilities';
import { useMutation, useQuery } from '@apollo/client/react';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import { rules, useForm } from '../../forms/useForm.ts';
import { ApiKeyCreateDocument, ApiKeyFieldsFragmentDoc, PermissionsDocument } from '../../graphql/__generated__/operations.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { TextField } from '../../ui/Field.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import { endOfDayUtc, splitPermissions, todayUtc } from './apiKeys.ts';

const NAME_MAX = 100;
const CLIENT_NAME_MAX = 64;
const DEFAULT_PERMISSION = 'organization.read';

export interface CreatedKey {
  name: string;
  secret: string;
}

/**
 * The form that creates a key. The secret is handed to `onCreated` and nowhere else: the mutation
 * bypasses the cache, and only the key's public fields are written into the list.
 */
export function CreateApiKeyForm({ onCreated }: { onCreated(key: CreatedKey): void }) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const id = useId();
  const permissionsQuery = useQuery(PermissionsDocument);
  const [createKey] = useMutation(ApiKeyCreateDocument, { fetchPolicy: 'no-cache' });
  const held = viewer.permissions;
  const form = useForm({
    initial: { name: '', permissions: held.includes(DEFAULT_PERMISSION) ? DEFAULT_PERMISSION : '', expiresAt: '', clientName: '', safelist: false as boolean },
    validate(values) {
      const expiresAt = values.expiresAt ? endOfDayUtc(values.expiresAt) : null;
      return {
        ...(!rules.required(values.name) ? { name: t('apiKeys:create.nameRequired') } : {}),
        ...(values.name.trim().length > NAME_MAX ? { name: t('forms:tooLong', { count: NAME_MAX }) } : {}),
        ...(splitPermissions(values.permissions).length === 0 ? { permissions: t('apiKeys:create.permissionsRequired') } : {}),
        ...(values.expiresAt && !expiresAt ? { expiresAt: t('apiKeys:create.expiresOnInvalid') } : {}),
        ...(expiresAt && new Date(expiresAt).getTime() <= Date.now() ? { expiresAt: t('apiKeys:create.expiresOnPast') } : {}),
      };
    },
    async submit(values) {
      const { data } = await createKey({
        variables: {
          input: {
            name: values.name.trim(),
            permissions: splitPermissions(values.permissions),
            expiresAt: values.expiresAt ? endOfDayUtc(values.expiresAt) : null,
            // Only a key for an app says so: a plain key's input stays as it always was.
            ...(values.clientName.trim() ? { clientName: values.clientName.trim(), safelist: values.safelist } : {}),
          },
        },
        update(cache, result) {
          const apiKey = result.data?.apiKeyCreate.apiKey;
          if (!apiKey) return;
          const added = cache.writeFragment({ fragment: ApiKeyFieldsFragmentDoc, fragmentName: 'ApiKeyFields', data: apiKey });
          cache.modify<{ apiKeys: { totalCount: number; pageInfo: { hasNextPage: boolean }; nodes: Reference[] } }>({
            id: cache.identify({ __typename: 'Organization', id: viewer.organization.id }),
            fields: {
              // The list is oldest first: the new key belongs at its end, once that end is loaded.
              apiKeys: (existing) =>
                isReference(existing)
                  ? existing
                  : {
                      ...existing,
                      totalCount: existing.totalCount + 1,
                      nodes: existing.pageInfo.hasNextPage || !added ? existing.nodes : [...existing.nodes, added],
                    },
            },
          });
        },
      });
      const payload = data?.apiKeyCreate;
      if (payload?.apiKey && payload.secret) {
        onCreated({ name: payload.apiKey.name, secret: payload.secret });
        form.reset();
      }
      return payload?.userErrors;
    },
  });

  const selected = new Set(splitPermissions(form.values.permissions));
  const described = new Map((permissionsQuery.data?.permissions ?? []).map((permission) => [permission.name, permission.description]));
  // Registry order for the permissions the viewer holds; anything the registry does not describe goes last.
  const options = [
    ...(permissionsQuery.data?.permissions ?? []).filter((permission) => held.includes(permission.name)).map((permission) => permission.name),
    ...held.filter((name) => !described.has(name)),
  ];
  function toggle(name: string, checked: boolean) {
    form.setValues((current) => {
      const next = new Set(splitPermissions(current.permissions));
      if (checked) next.add(name);
      else next.delete(name);
      return { ...current, permissions: options.filter((option) => next.has(option)).join(' ') };
    });
  }
  const permissionsError = form.errors.permissions;
  const hintId = `${id}-permissions-hint`;
  const safelistId = `${id}-safelist`;
  const hasApp = form.values.clientName.trim() !== '';
  const safelistError = form.errors.safelist;
  const errorId = `${id}-permissions-error`;

  return (
    <QueryState loading={permissionsQuery.loading} error={permissionsQuery.error} hasData={Boolean(permissionsQuery.data)} retry={() => void permissionsQuery.refetch()}>
      {form.formError && <Alert>{form.formError}</Alert>}
      <form {...form.formProps}>
        <TextField label={t('apiKeys:create.name')} hint={t('apiKeys:create.nameHint')} required maxLength={NAME_MAX} autoComplete="off" {...form.field('name')} />
        <fieldset aria-describedby={[permissionsError ? errorId : null, hintId].filter(Boolean).join(' ')}>
          <legend>{t('apiKeys:create.permissions')}</legend>
          <p className="field__hint" id={hintId}>
            {t('apiKeys:create.permissionsHint')}
          </p>
          <div className="permission-options">
            {options.map((name) => (
              <div className="checkbox" key={name}>
                <input
                  type="checkbox"
                  id={`${id}-${name}`}
                  name="permissions"
                  value={name}
                  checked={selected.has(name)}
                  onChange={(event) => toggle(name, event.target.checked)}
                />
                <label htmlFor={`${id}-${name}`}>
                  <code>{name}</code> <span className="muted">{described.get(name)}</span>
                </label>
              </div>
            ))}
          </div>
          {permissionsError && (
            <p className="field__error" id={errorId}>
              {permissionsError}
            </p>
          )}
        </fieldset>
        <TextField
          label={t('apiKeys:create.expiresOn')}
          hint={t('apiKeys:create.expiresOnHint')}
          type="date"
          min={todayUtc()}
          {...form.field('expiresAt')}
        />
        <TextField
          label={t('apiKeys:create.clientName')}
          hint={t('apiKeys:create.clientNameHint')}
          maxLength={CLIENT_NAME_MAX}
          autoComplete="off"
          spellCheck={false}
          {...form.field('clientName')}
        />
        <div className="checkbox">
          <input
            type="checkbox"
            id={safelistId}
            name="safelist"
            checked={form.values.safelist && hasApp}
            disabled={!hasApp}
            aria-describedby={[safelistError ? `${safelistId}-error` : null, `${safelistId}-hint`].filter(Boolean).join(' ')}
            aria-invalid={safelistError ? true : undefined}
            onChange={(event) => form.setValues((current) => ({ ...current, safelist: event.target.checked }))}
          />
          <label htmlFor={safelistId}>{t('apiKeys:create.safelist')}</label>
        </div>
        <p className="field__hint" id={`${safelistId}-hint`}>
          {t('apiKeys:create.safelistHint')}
        </p>
        {safelistError && (
          <p className="field__error" id={`${safelistId}-error`}>
            {safelistError}
          </p>
        )}
        <div className="actions">
          <Button type="submit" busy={form.submitting}>
            {t('apiKeys:create.submit')}
          </Button>
        </div>
      </form>
    </QueryState>
  );
}
