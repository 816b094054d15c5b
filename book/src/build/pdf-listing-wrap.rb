# Required by the book's Asciidoctor runs (pom.xml, <requires>), after quiet-verbose.rb; acts on the
# PDF only. A PDF cannot scroll sideways, so Asciidoctor PDF wraps a listing line that is wider than
# the page, and its continuation starts at the left edge of the block, where it reads as a line of
# its own. Captured outputs are as wide as the machine's numbers make them, and a Java listing may
# be wider than the page too; so before a listing or an output is typeset, each line wider than the
# block is broken here at a space (in Java, preferably one outside a string literal), and its
# continuation lines are indented four columns more than the line itself. The width is the block's
# own, measured with the code font (a listing inside a list or an example is narrower). A line that
# would still be wider than the block fails the build with a warning that names the block.
# BOOK_LISTING_WRAP_REPORT=1 in the environment lists every line broken, on standard error.
class BookPdfConverter < (Asciidoctor::Converter.for 'pdf')
  register_for 'pdf'

  # How much further than their line the continuation lines of a broken line start.
  CONTINUATION_INDENT = 4

  def convert_code node
    columns = book_listing_columns
    # The converter may typeset a block twice (once to measure it), so always start from the lines as written.
    original_lines = (node.instance_variable_defined? :@book_original_lines) ?
        (node.instance_variable_get :@book_original_lines) :
        (node.instance_variable_set :@book_original_lines, node.lines.drop(0))
    wrapped = original_lines.flat_map {|line| book_break_line line, columns, node.style == 'source' }
    if wrapped.size != original_lines.size && ENV['BOOK_LISTING_WRAP_REPORT'] && !scratch?
      $stderr.puts %(#{book_block_name node}: #{wrapped.size - original_lines.size} continuation line(s) at #{columns} columns)
    end
    if (too_wide = wrapped.find {|line| line.length > columns })
      logger.warn %(#{book_block_name node}: a line of #{too_wide.length} columns does not fit the #{columns} of the PDF: #{too_wide[0, 60]}...)
    end
    node.lines.replace wrapped
    super
  end

  private

  # The columns of the code font that fit in a listing block here, inside its padding.
  def book_listing_columns
    padding = expand_padding_value @theme.code_padding
    available = bounds.width - padding[1].to_f - padding[3].to_f
    char_width = theme_font(:code) { rendered_width_of_char 'M' }
    (available / char_width).floor
  end

  # The line as one or more lines of at most columns characters; the continuations hang. In Java,
  # a trailing comment that does not fit goes below its code, and a comment's continuation lines
  # start with // again, so that they still read (and are coloured) as comment.
  def book_break_line line, columns, java
    return [line] if line.length <= columns
    lead = line[/\A */].length
    hang = ' ' * [lead + CONTINUATION_INDENT, columns / 2].min
    comment = java ? (book_comment_start line) : nil
    if comment && comment == lead
      book_fill line, columns, '', %(#{' ' * lead}// ), java
    elsif comment && line[0...comment].rstrip.length <= columns
      [line[0...comment].rstrip] + (book_fill line[comment..], columns, hang, %(#{hang}// ), java)
    else
      book_fill line, columns, '', hang, java
    end
  end

  # text broken into lines of at most columns characters: the first starts with first_prefix, the
  # others with continuation_prefix.
  def book_fill text, columns, first_prefix, continuation_prefix, java
    pieces = []
    prefix = first_prefix
    rest = text
    while prefix.length + rest.length > columns
      room = columns - prefix.length
      cut = book_break_point rest, room, rest[/\A */].length, java
      pieces << prefix + rest[0...cut].rstrip
      rest = rest[cut..].lstrip
      prefix = continuation_prefix
    end
    pieces << prefix + rest
  end

  # Where a // comment starts in a line of Java, outside string and character literals; nil if none.
  def book_comment_start line
    quote = nil
    line.each_char.with_index do |char, index|
      if quote
        quote = nil if char == quote && line[index - 1] != '\\'
      elsif char == '"' || char == "'"
        quote = char
      elsif char == '/' && line[index + 1] == '/'
        return index
      end
    end
    nil
  end

  # Where to break text so that at most room characters stay on the line: after the last space
  # (in Java, the last one outside a string literal) past the indentation; failing that, at room.
  def book_break_point text, room, indentation, java
    in_string = false
    any_space = outside_string = nil
    text.each_char.with_index do |char, index|
      break if index > room
      in_string = !in_string if java && char == '"' && (index == 0 || text[index - 1] != '\\')
      next unless char == ' ' && index > indentation
      any_space = index
      outside_string = index unless in_string
    end
    outside_string || any_space || room
  end

  def book_block_name node
    where = node.title? ? %(listing "#{node.title}") : %(#{node.style} block)
    node.id ? %(#{where} [#{node.id}]) : where
  end
end
