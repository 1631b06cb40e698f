// Written for Stencil's tests: a lexer grammar that Imports.g4 imports.
lexer grammar CommonLexerRules;

KW : 'if' ;
ID : [a-z]+ ;
WS : ' ' -> skip ;
