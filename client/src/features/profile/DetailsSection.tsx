import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Viewer } from '../../auth/ViewerProvider.tsx';
import { rules, useForm } from '../../forms/useForm.ts';
import { UserUpdateDocument } from '../../graphql/__generated__/operations.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { TextField } from '../../ui/Field.tsx';

/** Kept in step with the identity subgraph's name rule. */
const NAME_MAX = 100;

type User = NonNullable<Viewer['user']>;

/** The email as it is, and the name to change. The cache keeps User by id, so the header follows. */
export function DetailsSection({ user }: { user: User }) {
  const { t } = useTranslation();
  const [updateUser] = useMutation(UserUpdateDocument);
  const [saved, setSaved] = useState(false);
  const form = useForm({
    initial: { name: user.name },
    validate: (values) => ({
      ...(!rules.required(values.name) ? { name: t('forms:nameRequired') } : {}),
      ...(values.name.trim().length > NAME_MAX ? { name: t('forms:tooLong', { count: NAME_MAX }) } : {}),
    }),
    async submit(values) {
      const { data } = await updateUser({ variables: { input: { name: values.name.trim() } } });
      const payload = data?.userUpdate;
      if (payload?.user) {
        form.setValues({ name: payload.user.name });
        setSaved(true);
      }
      return payload?.userErrors;
    },
  });
  return (
    <section className="card" aria-labelledby="profile-details">
      <h2 id="profile-details">{t('profile:details.title')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('profile:details.email')}</dt>
          <dd>{user.email}</dd>
        </div>
      </dl>
      <p className="field__hint">{t('profile:details.emailHint')}</p>
      {saved && <Alert tone="success">{t('profile:details.saved')}</Alert>}
      {form.formError && <Alert>{form.formError}</Alert>}
      <form
        {...form.formProps}
        onSubmit={(event: FormEvent) => {
          setSaved(false);
          form.formProps.onSubmit(event);
        }}
      >
        <TextField label={t('profile:details.name')} autoComplete="name" required maxLength={NAME_MAX} {...form.field('name')} />
        <div className="actions">
          <Button type="submit" busy={form.submitting}>
            {t('profile:details.save')}
          </Button>
        </div>
      </form>
    </section>
  );
}
