import { SignInForm } from '@/components/auth/SignInForm';

export default function SignInPage() {
  return <SignInForm />;
}
