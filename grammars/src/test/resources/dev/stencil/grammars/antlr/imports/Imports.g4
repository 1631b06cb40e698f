// Written for Stencil's tests: imports CommonLexerRules and overrides its ID rule.
grammar Imports;
import CommonLexerRules;

s : (KW | ID | NUM)+ EOF ;
NUM : [0-9]+ ;
ID : [a-c]+ ;
