from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from foidesk import law
from foidesk.responses import letter, services
from foidesk.responses.models import LetterBlock, LocalWording


class LetterBlockForm(forms.ModelForm):
    key = forms.ChoiceField(choices=letter.ORDER)

    class Meta:
        model = LetterBlock
        fields = ["key", "text"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("key") and cleaned.get("text"):
            try:
                letter.preview(cleaned["key"], cleaned["text"])
                missing = services.letter_block_problems(cleaned["key"], cleaned["text"])
            except letter.LetterError as problem:
                raise forms.ValidationError(str(problem)) from None
            if missing:
                raise forms.ValidationError(missing)
        return cleaned


class WordingAdmin(admin.ModelAdmin):
    """The letter's own wording: approval is of the words, so once it changes, responses
    ready to send whose letter now reads otherwise go back for approval."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _wording_changed(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _wording_changed(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        _wording_changed(request)


def _wording_changed(request):
    """Approval is of the words: responses ready to send whose letter now reads otherwise
    go back for approval."""
    returned = services.recheck_approvals()
    if returned:
        messages.warning(
            request,
            f"{returned} approved response(s) now read differently, so they have gone back "
            "for approval.",
        )


@admin.register(LetterBlock)
class LetterBlockAdmin(WordingAdmin):
    """The authority's own wording for a block of the response letter, with a preview.

    A block is refused if it cannot be written on a sample response, so a letter never
    fails to render because of it, or if it would leave a made-up refusal without what the
    law requires of its letter, so a refusal is never sent without it.
    """

    form = LetterBlockForm
    list_display = ["key", "updated_at"]

    readonly_fields = ["shipped_wording", "preview"]
    fields = ["key", "text", "preview", "shipped_wording"]

    @admin.display(description="Preview, on a made-up response")
    def preview(self, block):
        if not block.pk:
            return "Save to see a preview."
        try:
            return mark_safe(letter.preview(block.key, block.text))  # noqa: S308 (escaped by markup)
        except letter.LetterError as problem:
            return str(problem)

    @admin.display(description="Wording foidesk ships, to start from")
    def shipped_wording(self, block):
        key = block.key or letter.BLOCK_KEYS[0]
        return format_html("<pre>{}</pre>", letter.default_text(key))


class LocalWordingForm(forms.ModelForm):
    exemption = forms.ChoiceField(
        choices=[(e.key, f"{e.act}: {e.citation} ({e.title})") for e in law.catalogue()]
    )

    class Meta:
        model = LocalWording
        fields = ["exemption", "wording"]


@admin.register(LocalWording)
class LocalWordingAdmin(WordingAdmin):
    """The authority's own sentences for an exemption, in place of foidesk's."""

    form = LocalWordingForm
    list_display = ["exemption", "wording"]
