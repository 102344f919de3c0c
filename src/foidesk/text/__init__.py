"""Reading what people write, in pure Python (no Django): a letter's wrapping (greetings,
sign-offs, quoted mail), the personal data in a text, and taking it out."""
