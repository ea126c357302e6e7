import { Link } from 'react-router-dom';
import { PageHeading } from '../ui/forms';

export default function NotFoundPage() {
  return (
    <section>
      <PageHeading>Nothing here</PageHeading>
      <p>This page does not exist, or it is not one you can open.</p>
      <p>
        <Link to="/">Back to your start page</Link>
      </p>
    </section>
  );
}
