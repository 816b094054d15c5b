# Required by the book's Asciidoctor runs (pom.xml, <requires>). enableVerbose turns Ruby's
# verbose mode on, which is what makes Asciidoctor report possible invalid references (INFO, and
# so a failed build). It also makes JRuby print dozens of parse warnings about the gems' own
# code. Loading the gems here with warnings off, then turning verbose mode back on, keeps the
# first and drops the second.
$VERBOSE = nil
require 'rouge'
require 'asciidoctor-pdf'
require 'asciidoctor-diagram'
$VERBOSE = true
