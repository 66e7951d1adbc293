"""PDF input: a PDF file becomes the text lines the parsers read (see convert.py)."""

from ccperf.extract.pdf.convert import ConvertedPdf, PdfError, convert_cached, convert_pdf, converter_name, is_pdf

__all__ = ["ConvertedPdf", "PdfError", "convert_cached", "convert_pdf", "converter_name", "is_pdf"]
