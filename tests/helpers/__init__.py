"""What the tests share: building submissions, the answer libraries (wrong answers, legitimate
variants, the red team), the hidden tests' text and the book's chapters."""
